"""How a send fails: the outbox retries a transient failure and gives up on a permanent one."""


class PermanentSendError(Exception):
    """Twilio refused the message for a reason retrying will not change."""


class TransientSendError(Exception):
    """Twilio or the network failed in a way worth retrying; the message certainly did not go."""


class UnconfirmedSendError(TransientSendError):
    """No answer to a request that went out (a timeout, a dropped connection): it may have been taken."""

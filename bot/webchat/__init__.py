"""Web chat for parents, carers, young people and professionals (issue 8).

- web.py: the chat page (`GET /`), the embeddable loader (`GET /widget.js`), the
  privacy notice (`GET /chat/privacy`), the WebSocket (`/chat/ws`), static assets;
- relay.py: a person's message -> stored -> owner checked -> Rasa -> replies stored -> pushed;
- live.py: live handoff, who holds the conversation (the assistant or a member of staff,
  whose name the console gives);
- hub.py: pushes stored messages to the browsers connected to a conversation;
- models.py: the chat's own record (messages with a sequence number per conversation),
  so a reload shows the history and a reconnect fetches what was missed.
"""

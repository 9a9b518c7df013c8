"""The staff console: sign-in, the escalations queue, transcripts, certificates, requests, usage, audit."""

"""Channels: the web channel inside the Rasa server (rest.py, with its limits),
and channels that run as their own process and talk to the assistant over it (telegram/)."""

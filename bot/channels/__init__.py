"""Input channels of the Rasa server (credentials.yml): the web channel with its limits."""

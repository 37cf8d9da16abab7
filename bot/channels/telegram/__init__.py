"""Telegram bridge: a separate process between Telegram and the Rasa assistant.

    Telegram (polling or webhook)  ->  bridge  ->  POST {RASA_URL}/webhooks/rest/webhook

- `config`:    settings from the environment (see .env.example);
- `logs`:      logging that can never print the bot token or user data;
- `memory`:    what the bridge keeps per chat, in memory only: message ids (max 48 h) for the erase;
- `render`:    Rasa answers -> Telegram messages (inline keyboards, phone numbers, splitting);
- `assistant`: the REST client for the Rasa assistant;
- `bridge`:    the handlers (commands, messages, buttons, the erase) and the Application.

Run it with `make telegram` (or `python -m bot.channels.telegram`).
"""

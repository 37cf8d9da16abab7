"""Telegram bridge: a separate process between Telegram and the Rasa assistant.

    Telegram (polling or webhook)  ->  bridge  ->  POST {RASA_URL}/webhooks/rest/webhook

- `config`:    settings from the environment (see .env.example);
- `logs`:      logging that can never print the bot token or user data;
- `memory`:    what the bridge keeps per chat: message ids (max 48 h) for the erase, and the language
               (SQLite by default, Redis in the `scaled` profile: TELEGRAM_STATE_URL);
- `order`:     with Redis, one chat's updates in order across several bridge processes;
- `render`:    Rasa answers -> Telegram messages (inline keyboards, phone numbers, splitting);
- `assistant`: the REST client for the Rasa assistant;
- `bridge`:    the handlers (commands, messages, buttons, the erase) and the Application.

Run it with `make telegram` (or `python -m bot.channels.telegram`).
"""

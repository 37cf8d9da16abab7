"""`python -m bot.channels.telegram`: start the Telegram bridge (settings from the environment)."""

from bot.channels.telegram.bridge import main

if __name__ == "__main__":
    main()

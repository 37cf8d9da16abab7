"""What the tests (and the benches, scripts/bench*.py) use to run the real thing: the servers
(servers.py, which starts them with `make run`'s own commands, scripts/servers.py) and a fake
Telegram Bot API (fake_telegram.py). Nothing here imports the tests themselves."""

"""The staff tools behind the `bot` command (bot/cli.py): check, train, evaluate, reload, resources.

Nothing here runs inside the assistant: these modules are for the people who keep it current.
"""

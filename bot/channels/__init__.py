"""Channels that run as their own process and talk to the assistant over its REST channel."""

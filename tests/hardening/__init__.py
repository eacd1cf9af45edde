"""Attacks on saywho: properties over every entry point, hostile inputs, kills, the server's defences."""

"""The Slack bot: `/successplan`, files shared with the bot, drafting a thread, export buttons.

app.py (bolt listeners: ack, then lazy work), bot.py (the work), blocks.py (a Draft as
Block Kit), serve.py (Socket Mode or HTTP). `callplan slack` calls `serve.run`.
"""

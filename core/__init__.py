"""Sáng tạo Live core: app factory, configuration, database, models, auth, i18n and CLI.

Kept free of imports so that ``core.__main__`` can monkey-patch with gevent before Flask loads.
"""

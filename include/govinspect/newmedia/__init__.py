"""New-media account checks (政务新媒体): last post, account state, manual evidence, screening.

:mod:`~govinspect.newmedia.adapters` runs the check; the sources are in ``feeds`` (RSS, Atom,
JSON Feed, RSSHub), ``weibo``, ``appstore`` and ``manual``; ``fetch`` spaces, retries and caches
their requests; ``screening`` matches posts against the bureau's lists.
"""

"""Workshop mode (一图三会, issue 13): the plan on a projector for residents.

``mode.WorkshopMode`` is the full-screen view the window shows instead of its editing desktop
(``MainWindow.enter_workshop`` / ``leave_workshop``, F5); ``style`` gives a map view the
high-contrast look readable from the back of a room; ``summary`` is the resident-facing summary
beside the map (``PlanSession.resident_summary``). ``compare`` (the swipe lane) supplies the
before/after views.
"""

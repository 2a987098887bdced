"""Figures used by the lectures: every function labels its axes and returns the Figure/Axes.

Import the function you need from its module, e.g.
``from course_lib.plots.images import image_grid``.
"""

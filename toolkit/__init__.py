"""Наставник: a toolkit for a school mentorship program (federal target model of mentorship)."""

__version__ = "0.1.0"

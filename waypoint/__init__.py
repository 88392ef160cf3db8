"""Waypoint: get help for opioid use and stay in recovery."""

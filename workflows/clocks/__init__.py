"""Legal clocks: deadlines computed in working days, reminders and escalation."""

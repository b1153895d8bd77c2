"""Public consultations (公开征求意见) on any subject, and the disposition of every comment."""

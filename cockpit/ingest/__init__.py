"""Reading and checking data deliveries before they are published to the analytic store."""

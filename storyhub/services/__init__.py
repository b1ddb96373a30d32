"""Business rules and transactions. Views call these; these commit."""

"""The CRM: who is calling, what happened with them before, and their tickets. Pure logic and use cases."""

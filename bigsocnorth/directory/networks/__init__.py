"""Networks and their memberships: who belongs to which network, and the network graph."""

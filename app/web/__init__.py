"""The request pipeline and what every page shares: hooks, headers, errors, links."""

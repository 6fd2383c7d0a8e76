"""Everything that changes memberships, by concern: billing (orders, payments, invoices, bank
statements), subscriptions (renewal, reminders) and benefits (tiers' perks and their codes).
Views parse input with `forms`, ask `permissions`, and call one of these. The points ledger is
`portal.membership.points`, shared with the community."""

"""Bench data on top of the demo content: a stated number of customers (idempotent)."""

CUSTOMERS = 2_000


def seed_bench_data() -> None:
    from allauth.account.models import EmailAddress

    from portal.accounts.models import User

    existing = set(User.objects.filter(email__startswith="bench-").values_list("email", flat=True))
    new_users = [
        User(email=f"bench-{n}@example.com", display_name=f"Bench customer {n}")
        for n in range(CUSTOMERS)
        if f"bench-{n}@example.com" not in existing
    ]
    for user in new_users:
        user.set_unusable_password()
    User.objects.bulk_create(new_users, batch_size=500)
    users = User.objects.filter(email__startswith="bench-").exclude(emailaddress__isnull=False)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users], batch_size=500
    )

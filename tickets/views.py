from django.shortcuts import render


def support_home(request):
    """Support's front page (/support/): the ways to reach the support team."""
    return render(request, "tickets/support_home.html")

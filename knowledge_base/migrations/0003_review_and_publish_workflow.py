"""The “Review and publish” workflow on the help root, and the Writers group that writes for it.

Writers add and edit help pages but cannot publish; the Editors group reviews and publishes.
"""

from django.db import migrations

WRITERS = "Writers"
EDITORS = "Editors"
WORKFLOW = "Review and publish"


def create_workflow(apps, schema_editor):
    from portal.accounts.roles import ensure_permissions

    ensure_permissions(apps)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    writers, _ = Group.objects.get_or_create(name=WRITERS)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    writers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "wagtailimages", "wagtaildocs"],
            codename__in=["access_admin", "add_image", "choose_image", "add_document", "choose_document"],
        )
    )
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.get_or_create(
                group=writers,
                page=root,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )

    task_type = ContentType.objects.get_for_model(GroupApprovalTask)
    task = GroupApprovalTask.objects.filter(name="Editors' review").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Editors' review", content_type=task_type, active=True)
    task.groups.add(editors)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if root is not None:
        # Assigned at the root, so every page of every site and language goes through review.
        WorkflowPage.objects.filter(page=root).delete()
        WorkflowPage.objects.create(workflow=workflow, page=root)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0002_initial_models"),
        ("accounts", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]

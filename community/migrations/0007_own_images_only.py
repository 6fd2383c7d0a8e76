"""Posts rendered before images from other servers became links."""

from django.db import migrations

from portal.markdown import own_images_only


def relink(apps, schema_editor):
    Post = apps.get_model("community", "Post")
    for post in Post.objects.filter(body_html__icontains="<img").only("pk", "body_html").iterator():
        cleaned = own_images_only(post.body_html)
        if cleaned != post.body_html:
            Post.objects.filter(pk=post.pk).update(body_html=cleaned)


class Migration(migrations.Migration):
    dependencies = [("community", "0006_topic_pinned_indexes")]

    operations = [migrations.RunPython(relink, migrations.RunPython.noop, elidable=True)]

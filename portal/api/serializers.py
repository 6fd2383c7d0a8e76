"""How the API shows each resource. Written once: webhook deliveries carry the same shapes."""

from rest_framework import serializers

from community.models import Category, Post, Topic
from knowledge_base.models import ArticlePage, FAQPage
from tickets.models import Attachment, Message, Ticket


def person_name(user) -> str:
    if user is None:
        return ""
    return user.display_name or user.get_full_name() or user.email.split("@")[0]


# --- Knowledge base ----------------------------------------------------------------------------


class ArticleSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = ArticlePage
        fields = ["id", "title", "summary", "url", "language", "audience", "tags", "last_published_at"]

    def get_url(self, page) -> str:
        return page.get_url(request=self.context.get("request")) or ""

    def get_language(self, page) -> str:
        return page.locale.language_code

    def get_tags(self, page) -> list[str]:
        return [tag.name for tag in page.tags.all()]


class ArticleDetailSerializer(ArticleSerializer):
    body_html = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body_html"]

    def get_body_html(self, page) -> str:
        return str(page.body)


class FAQSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = FAQPage
        fields = ["id", "title", "intro", "url", "items", "last_published_at"]

    def get_url(self, page) -> str:
        return page.get_url(request=self.context.get("request")) or ""

    def get_items(self, page) -> list[dict]:
        return [
            {"question": str(block.value.get("question", "")), "answer_html": str(block.value.get("answer", ""))}
            for block in page.items
        ]


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    snippet_html = serializers.CharField(source="snippet")
    language = serializers.CharField()
    product = serializers.CharField(source="product_name")


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


# --- Community ---------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "kind", "description", "audience", "posting", "topic_count", "post_count"]


class TopicSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SerializerMethodField()
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Topic
        fields = [
            "id", "category", "title", "author", "language", "state", "tags", "created_at", "last_activity_at",
            "reply_count", "score", "is_pinned", "is_locked", "accepted_post", "idea_status", "url",
        ]  # fmt: skip

    def get_author(self, topic) -> str:
        return person_name(topic.author)

    def get_url(self, topic) -> str:
        return topic.get_absolute_url()


class PostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "topic", "author", "is_opening", "body_html", "state", "score", "created_at", "edited_at"]

    def get_author(self, post) -> str:
        return person_name(post.author)


class NewTopicSerializer(serializers.Serializer):
    category = serializers.SlugField()
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=5)


class NewPostSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)


# --- Support -----------------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created_at", "url"]

    def get_url(self, attachment) -> str:
        return attachment.get_absolute_url()


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "author", "from_customer", "is_internal", "body_html", "channel", "created_at", "attachments"]

    def get_author(self, message) -> str:
        return person_name(message.author)


class RequestSerializer(serializers.ModelSerializer):
    """A support request as its customer sees it."""

    reference = serializers.CharField(read_only=True)
    type = serializers.CharField(source="request_type.name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "reference", "subject", "type", "status", "priority", "impact", "channel", "created_at", "updated_at",
            "first_replied_at", "solved_at", "sla_due_at", "message_count", "last_activity_at", "url",
        ]  # fmt: skip

    def get_url(self, ticket) -> str:
        return ticket.get_absolute_url()


class DeskRequestSerializer(RequestSerializer):
    """A support request as the desk sees it: who filed it, where it is and who works it."""

    id = serializers.IntegerField(read_only=True)
    requester = serializers.EmailField(source="requester.email", read_only=True)
    queue = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = serializers.SerializerMethodField()

    class Meta(RequestSerializer.Meta):
        fields = ["id", *RequestSerializer.Meta.fields, "requester", "queue", "assignee", "fields"]

    def get_assignee(self, ticket) -> str | None:
        return ticket.assignee.email if ticket.assignee_id else None


class NewRequestSerializer(serializers.Serializer):
    """What filing takes; the request type's own questions go in `fields` by their keys."""

    type = serializers.IntegerField(help_text="A request type's id (GET /api/v1/request-types/).")
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
    impact = serializers.CharField(required=False)
    fields = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)


class RatingSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=["good", "bad"])
    reason = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DeskChangeSerializer(serializers.Serializer):
    status = serializers.CharField(required=False)
    priority = serializers.CharField(required=False)
    assignee = serializers.EmailField(required=False, allow_null=True, help_text="null: nobody.")


class RequestTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    questions = serializers.SerializerMethodField(help_text="The type's own questions: send answers in `fields`.")

    def get_questions(self, request_type) -> list[dict]:
        return [
            {"key": extra.key, "label": extra.label, "kind": extra.kind, "required": extra.required}
            for extra in request_type.fields.all()
        ]

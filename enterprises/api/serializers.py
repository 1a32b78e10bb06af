from rest_framework import serializers

from core.api.serializers import ScopedPrimaryKeyRelatedField, ScopedSlugRelatedField
from core.models import Department, Region, Sector
from enterprises.models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    # Every reference names an object of the caller's scope; any other reads as missing.
    region = ScopedSlugRelatedField(Region, slug_field="code")
    region_name = serializers.CharField(source="region.name", read_only=True)
    sector = ScopedPrimaryKeyRelatedField(Sector)
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    other_sectors = ScopedPrimaryKeyRelatedField(Sector, many=True, required=False)
    department = ScopedPrimaryKeyRelatedField(
        Department, required=False, allow_null=True, label="监管部门"
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "address",
            "region",
            "region_name",
            "sector",
            "sector_name",
            "other_sectors",
            "scale",
            "principal",
            "principal_phone",
            "safety_manager",
            "safety_manager_phone",
            "department",
            "risk_grade",
            "standardization_level",
            "key_supervision",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is checked by the service and the database, with a Chinese message.
        extra_kwargs = {"credit_code": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["credit_code"].read_only = True

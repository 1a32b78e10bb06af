"""企业账号申请 in 用户管理 (/accounts/requests/): the county's administrators decide them."""

from django.urls import path

from . import request_views

app_name = "account_requests"

urlpatterns = [
    path("", request_views.request_list, name="request_list"),
    path("<int:pk>/", request_views.request_detail, name="request_detail"),
    path("<int:pk>/approve/", request_views.request_approve, name="request_approve"),
    path("<int:pk>/reject/", request_views.request_reject, name="request_reject"),
]

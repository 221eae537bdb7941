from django.urls import path

from . import views

urlpatterns = [
    path("", views.committee_list, name="committee_list"),
    path("<int:pk>/", views.committee_detail, name="committee_detail"),
    path("<int:pk>/members/", views.member_add, name="committee_member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove,
         name="committee_member_remove"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/orders/new/", views.order_create, name="order_create"),
    path("<int:pk>/honoraria/", views.honoraria, name="committee_honoraria"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/items/new/", views.item_build, name="item_build"),
    path("meetings/<int:pk>/agenda.docx", views.meeting_agenda_docx, name="meeting_agenda_docx"),
    path("meetings/<int:pk>/minutes.docx", views.meeting_minutes_docx,
         name="meeting_minutes_docx"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/resolve/", views.item_resolve, name="item_resolve"),
    path("items/<int:pk>/draw/", views.item_draw, name="item_draw"),
    path("items/<int:pk>/notify/", views.item_notify, name="item_notify"),
    path("items/<int:pk>/agenda.docx", views.item_docx, name="item_docx"),
    path("items/<int:pk>/annex.xlsx", views.item_xlsx, name="item_xlsx"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/appoint/", views.order_appoint, name="order_appoint"),
    path("orders/<int:pk>/order.pdf", views.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/order.docx", views.order_docx, name="order_docx"),
]

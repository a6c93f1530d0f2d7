"""The HTTP API: dependencies (`deps`), error bodies (`errors`), one routes module per resource.

Who may call what (a till's token is store-scoped on every device route; a till's token on
any other route, or an API user's on a device route, is 403; no or a revoked token, 401):

    till (device token + OmniTill-Protocol: 1)
        POST /api/v1/devices/enrol            (no token: the one-time enrolment code)
        POST /api/v1/sync/push                GET /api/v1/sync/pull
        POST /api/v1/coupons/{code}/check     POST /api/v1/coupons/reservations/{id}/release
        GET  /api/v1/members/lookup           GET /api/v1/members/{id}/balance
        GET  /api/v1/sales/by-receipt/{receipt_no}
    admin, head_office, ecommerce
        members (create, read), coupons (issue, read, withdraw), orders (create, read, cancel)
    admin, head_office
        stores and settings, cashiers, catalog, member points, stock, conflicts, sales
    admin
        tills (create → enrolment code, revoke), API users, compaction, a store's replica
"""

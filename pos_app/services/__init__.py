"""The till's behaviour: one user action is one service call and one transaction.

Every service takes the `Till` (`till.py`: the store, clock, devices, terminals, and who is
at the till) and plain arguments, opens its own session, and returns a plain result (or
raises a `ServiceError` with a message for the cashier, `errors.py`). The UI calls them from
a worker thread. By concept:

    startup       start_till: open the till and settle what a crash left (recovery)
    auth          log in / out (changeover), lock-out, approvals by a supervisor's PIN
    shifts        open a shift on a counted float; pay-in, pay-out, safe drop
    reports       X report; close the shift blind with the Z report
    selling       scan routing: products in, other codes handed over; the basket on screen
    basket_edits  quantity, void line, price override, line and basket discounts
    parking       suspend and resume baskets
    payments      cash, card and wallet tenders, retrying an unknown payment, void basket
    completion    writing a completed sale, then the drawer and the receipt
    recovery      settling unknown payments and unfinished baskets at start-up
    voids         void after tender
    reprints      reprint a receipt of the shift (COPY, audited)
    training      training mode on and off
    drawer        no-sale, and the drawer kicks every flow records before sending
    print_queue   the persisted print queue
    attempts      payment attempts and the basket rows they pay (shared by the above)
    audit         writing an audit entry with its event (shared)
    devices       when device work runs: inline, or on a device thread
    views         the plain results the screen shows
"""

package org.jamesspf.spf;

/** Why check_host() gave its result. */
public enum Reason {
    /** A mechanism matched; its qualifier gave the result. */
    MATCHED,
    /** RFC 7208 4.7: no mechanism matched and there was no redirect: neutral. */
    NO_MATCH,
    /** RFC 7208 4.3: the domain is not a valid multi-label name: none. */
    INVALID_DOMAIN,
    /** RFC 7208 4.3, 4.5: the domain does not exist or publishes no SPF record: none. */
    NO_RECORD,
    /** RFC 7208 4.5: more than one SPF record: permerror. */
    MULTIPLE_RECORDS,
    /** RFC 7208 4.6: the record does not parse: permerror. */
    SYNTAX,
    /** RFC 7208 4.6.4: more than the allowed DNS-querying terms: permerror. */
    LOOKUP_LIMIT,
    /** RFC 7208 4.6.4: more void lookups than allowed: permerror. */
    VOID_LIMIT,
    /** RFC 7208 4.6.4: an mx term with more than 10 MX names: permerror. */
    MX_LIMIT,
    /** RFC 7208 5.2: an include target has no SPF record: permerror. */
    INCLUDE_NONE,
    /** RFC 7208 6.1: a redirect target has no SPF record (or is invalid): permerror. */
    REDIRECT_NONE,
    /** RFC 7208 4.8: a domain-spec expands to a name that cannot be looked up: permerror. */
    INVALID_TARGET,
    /** RFC 7208 2.6.6: a DNS lookup failed temporarily (timeout, SERVFAIL): temperror. */
    DNS_TEMPFAIL,
    /** RFC 7208 4.6.4: the whole check ran past its time budget: temperror. */
    TIME_BUDGET,
    /** A fault outside the engine (an adapter threw): treated as temperror, never as a refusal. */
    INTERNAL_ERROR,
    /** Not checked: the client's check budget is spent (set by the hook; RFC 7208 11.1 amplification). */
    BUDGET_EXCEEDED,
    /** Not checked: a cap on checks in flight was reached (set by the hook; its pending action applies). */
    NOT_STARTED,
    /** Not done within the hook's wait bound at an enforcement point; the evaluation goes on (its pending action applies). */
    NOT_DONE_IN_TIME,
    /**
     * Not checked: the client whose address counts could not be read (set by the hook: a trusted
     * gateway's Received field); its configured action applies.
     */
    GATEWAY_UNREADABLE
}

package org.jamesspf.james.policy;

import java.util.Objects;

/**
 * What SPF does for the recipients of one local domain: the action mapping, dry-run and
 * enforcement point. The handler's own settings are the default policy; each
 * {@code <domains><domain name="...">} overrides them for the recipients of the domains it
 * names, inheriting what it does not set.
 */
public final class RecipientPolicy {
    /** The name of the handler-wide policy in logs, JSON and attributes. */
    public static final String DEFAULT_NAME = "default";

    private final String name;
    private final DomainList domains;
    private final ActionPolicy actions;
    private final boolean dryRun;
    private final EnforceAt enforceAt;

    public RecipientPolicy(String name, DomainList domains, ActionPolicy actions, boolean dryRun, EnforceAt enforceAt) {
        this.name = Objects.requireNonNull(name, "name");
        this.domains = Objects.requireNonNull(domains, "domains");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.dryRun = dryRun;
        this.enforceAt = Objects.requireNonNull(enforceAt, "enforceAt");
    }

    /** "default", or the {@code name} attribute of its {@code <domain>} element as written. */
    public String name() {
        return name;
    }

    /** The domain entries it covers ("example.com", or ".example.com" for subdomains); none for the default. */
    public DomainList domains() {
        return domains;
    }

    public ActionPolicy actions() {
        return actions;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public EnforceAt enforceAt() {
        return enforceAt;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RecipientPolicy)) {
            return false;
        }
        RecipientPolicy p = (RecipientPolicy) o;
        return name.equals(p.name) && domains.equals(p.domains) && actions.equals(p.actions) && dryRun == p.dryRun
            && enforceAt == p.enforceAt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, domains, actions, dryRun, enforceAt);
    }

    @Override
    public String toString() {
        return name + "{enforceAt=" + enforceAt.name().toLowerCase(java.util.Locale.ROOT) + (dryRun ? ", DRY RUN" : "")
            + ", actions=" + actions + "}";
    }
}

package org.jamesspf.james.webadmin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.jamesspf.james.explain.ExplainerRegistry;
import spark.Request;
import spark.Service;

/**
 * {@code GET /spf/explain?ip=&sender=&helo=&rcpt=}: what the running SPF hook would do with a
 * transaction, as JSON: every DNS query and answer, the counters, the deciding term, the
 * exemption, the action, and the exact headers and SMTP reply. Loaded by James from
 * {@code webadmin.properties}: {@code extensions.routes=org.jamesspf.james.webadmin.SpfExplainRoutes}.
 * WebAdmin's own authentication (JWT when enabled) guards it like every other route.
 */
public final class SpfExplainRoutes implements Routes {
    public static final String BASE_PATH = "/spf";
    public static final String EXPLAIN_PATH = BASE_PATH + "/explain";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ExplainerRegistry hooks;

    @Inject
    public SpfExplainRoutes(ExplainerRegistry hooks) {
        this.hooks = hooks;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(EXPLAIN_PATH, (request, response) -> {
            if (hooks.count() == 0) {
                throw ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND)
                    .message("no SPF hook is running: add <handler class=\"org.jamesspf.james.SpfHook\"> to smtpserver.xml")
                    .haltError();
            }
            Map<String, Object> explanation;
            try {
                explanation = hooks.explain(handler(request), required(request, "ip"), Optional.ofNullable(request.queryParams("sender"))
                    .orElse(""), Optional.ofNullable(request.queryParams("helo")).orElse(""),
                    Optional.ofNullable(request.queryParams("rcpt")).filter(r -> !r.isEmpty()));
            } catch (IllegalArgumentException e) {
                throw ErrorResponder.builder().statusCode(400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT).message(e.getMessage())
                    .haltError();
            } catch (ExplainerRegistry.Unavailable e) {
                throw ErrorResponder.builder().statusCode(e.status()).type(ErrorResponder.ErrorType.SERVER_ERROR).message(e.getMessage())
                    .haltError();
            }
            response.type("application/json");
            return JSON.writeValueAsString(explanation);
        });
    }

    private static String required(Request request, String name) {
        String value = request.queryParams(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": required");
        }
        return value;
    }

    private static int handler(Request request) {
        String value = request.queryParams("handler");
        if (value == null) {
            return 0;
        }
        try {
            int index = Integer.parseInt(value);
            if (index < 0) {
                throw new IllegalArgumentException("handler: " + index + " is negative");
            }
            return index;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("handler: '" + value + "' is not a number");
        }
    }
}

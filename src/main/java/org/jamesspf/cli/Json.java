package org.jamesspf.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CLI's JSON, through Jackson (the version James ships, bundled in the -cli jar): one flat
 * object of string (or null) values per input line; objects of strings, numbers and lists out.
 * Bad input gives an IAE with the reason, which the batch writes as the line's error object.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** Parses {@code {"k": "v", "k2": null}}; any other value type, a duplicate key or trailing text is an error. */
    static Map<String, String> parseFlatObject(String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (!value.isTextual() && !value.isNull()) {
                throw new IllegalArgumentException("value of \"" + field.getKey() + "\" must be a string");
            }
            result.put(field.getKey(), value.isNull() ? null : value.textValue());
        }
        return result;
    }

    /** One line of JSON for a map of strings, numbers, nulls, lists and nested maps. */
    static String write(Map<String, ?> object) {
        try {
            return MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of plain values always serialise", e);
        }
    }
}

package dev.tern.app.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.core.JsonFactory;

/** The one JSON mapper of the web layer (Jackson): strict on input, so a misspelt field is a 400 naming it. */
public final class Json {
    private Json() {}

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .findAndAddModules()
            .build();

    /** Reads {@code body} as a {@code type}, or throws the 400 that names the field at fault. */
    public static <T> T read(byte[] body, Class<T> type) {
        try {
            return MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw HttpError.badField(e.getPropertyName(), "unknown field " + e.getPropertyName());
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? null : pathOf(e);
            if (field == null) throw HttpError.badRequest("the body is not a JSON object of the expected shape");
            throw HttpError.badField(field, "field " + field + " has the wrong type");
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("the body is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        } catch (java.io.IOException e) {
            throw HttpError.badRequest("the body cannot be read as JSON");
        }
    }

    private static String pathOf(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) path.append('.');
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage());
        }
    }
}

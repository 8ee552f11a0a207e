package io.gapwatch.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * Any of gapwatch's Avro records as JSON, field for field in schema order, so that the JSON of a
 * report, a prediction or a dead letter is its Avro contract written in another syntax:
 * <ul>
 *   <li>records become objects, arrays arrays, maps objects (keys in the record's order);</li>
 *   <li>doubles at full precision (the shortest decimal that reads back to the same double); NaN and
 *       ±Infinity, which JSON lacks, as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"};</li>
 *   <li>unions as their value or null; enums as their symbol; timestamps as epoch milliseconds;
 *       bytes as base64.</li>
 * </ul>
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {
    }

    public static ObjectNode render(IndexedRecord record) {
        return (ObjectNode) value(record.getSchema(), record);
    }

    // GenericData knows no logical types: a timestamp held as an Instant goes to the union's long branch
    private static Schema branch(Schema union, Object value) {
        if (value instanceof Instant) {
            for (Schema type : union.getTypes()) {
                if (type.getType() == Schema.Type.LONG) {
                    return type;
                }
            }
        }
        return union.getTypes().get(GenericData.get().resolveUnion(union, value));
    }

    private static JsonNode value(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD -> {
                final IndexedRecord record = (IndexedRecord) value;
                final ObjectNode node = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), value(field.schema(), record.get(field.pos())));
                }
                return node;
            }
            case ARRAY -> {
                final ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    array.add(value(schema.getElementType(), item));
                }
                return array;
            }
            case MAP -> {
                final ObjectNode node = NODES.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    node.set(entry.getKey().toString(), value(schema.getValueType(), entry.getValue()));
                }
                return node;
            }
            case UNION -> {
                return value(branch(schema, value), value);
            }
            case DOUBLE, FLOAT -> {
                final double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(Double.toString(d));
            }
            case LONG -> {
                return value instanceof Instant instant ? NODES.numberNode(instant.toEpochMilli()) : NODES.numberNode(((Number) value).longValue());
            }
            case INT -> {
                return NODES.numberNode(((Number) value).intValue());
            }
            case BOOLEAN -> {
                return NODES.booleanNode((Boolean) value);
            }
            case BYTES -> {
                final ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                final byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case STRING, ENUM -> {
                return NODES.textNode(value.toString());
            }
            case NULL -> {
                return NODES.nullNode();
            }
            default -> throw new IllegalArgumentException("no JSON form for Avro type " + schema.getType());
        }
    }
}

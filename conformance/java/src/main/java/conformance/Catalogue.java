package conformance;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * Every named topology of the suite. spec/conformance/differential/catalogue/ builds the same
 * names with our DSL; a name missing on either side fails the suite.
 */
final class Catalogue {
  static final Serde<String> STR = Serdes.String();
  static final Serde<Integer> INT = Serdes.Integer();
  static final Serde<Long> LONG = Serdes.Long();

  private Catalogue() {}

  static Map<String, Supplier<Topology>> all() {
    Map<String, Supplier<Topology>> topologies = new TreeMap<>();
    StatelessTopologies.register(topologies);
    AggregationTopologies.register(topologies);
    WindowTopologies.register(topologies);
    JoinTopologies.register(topologies);
    TableTopologies.register(topologies);
    ProcessorTopologies.register(topologies);
    NullKeyTopologies.register(topologies);
    NamingTopologies.register(topologies);
    return topologies;
  }

  /** What the aggregators add for a null value: a null that reaches them shows in the result. */
  static int orNull(Integer value) {
    return value == null ? 100 : value;
  }

  /** The joiners' result: both sides, "null" for a missing one. */
  static String joined(Object left, Object right) {
    return left + "/" + right;
  }

  /** The foreign key of a value "fk#n": the part before '#', null when empty. */
  static String foreignKey(String value) {
    String key = value.substring(0, value.indexOf('#'));
    return key.isEmpty() ? null : key;
  }
}

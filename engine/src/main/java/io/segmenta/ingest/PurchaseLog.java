package io.segmenta.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The purchase lines of a transaction log as {@link io.segmenta.insights.TopProducts} counts them
 * (a customer id, not a cancellation, a positive quantity), in file order, kept by the RFM pass so
 * that the top products need not read the log again: per line the customer, the product and the
 * description (null when blank), each interned. Disabled (and empty) when the log's header does not
 * name the columns the way TopProducts finds them; the caller then reads the log.
 */
public final class PurchaseLog {
  private final HashMap<String, Integer> customerIds = new HashMap<>(), productIds = new HashMap<>(), descriptionIds = new HashMap<>();
  private final List<String> customers = new ArrayList<>(), products = new ArrayList<>(), descriptions = new ArrayList<>();
  private int[] cust = new int[1024], prod = new int[1024], desc = new int[1024];
  private int n;
  private boolean enabled = true, complete;

  void add(String customer, String product, String description) {
    if (n == cust.length) {
      int c = Math.multiplyExact(n, 2);
      cust = Arrays.copyOf(cust, c);
      prod = Arrays.copyOf(prod, c);
      desc = Arrays.copyOf(desc, c);
    }
    cust[n] = intern(customerIds, customers, customer);
    prod[n] = intern(productIds, products, product);
    desc[n] = description == null ? -1 : intern(descriptionIds, descriptions, description);
    n++;
  }

  private static int intern(HashMap<String, Integer> ids, List<String> values, String s) {
    Integer id = ids.get(s);
    if (id != null) return id;
    int i = values.size();
    ids.put(s, i);
    values.add(s);
    return i;
  }

  void disable() {
    enabled = false;
    n = 0;
  }

  /** False when the header did not allow the capture. */
  boolean enabled() {
    return enabled;
  }

  /** Called by the RFM pass when it has read the whole log. */
  void complete() {
    complete = true;
  }

  /** True when an RFM pass read the whole log into it (the SQL path keeps no purchase lines). */
  public boolean available() {
    return enabled && complete;
  }

  /** Purchase lines kept. */
  public int lines() {
    return n;
  }

  /** The distinct customers, in the order of their first purchase line; {@link #customer(int)} indexes them. */
  public List<String> customers() {
    return customers;
  }

  public int customer(int line) {
    return cust[line];
  }

  /** The distinct products; {@link #product(int)} indexes them. */
  public List<String> products() {
    return products;
  }

  public int product(int line) {
    return prod[line];
  }

  /** The line's description (stripped), or null when it was blank or there is no description column. */
  public String description(int line) {
    return desc[line] < 0 ? null : descriptions.get(desc[line]);
  }
}

package io.segmenta.ingest;

import io.segmenta.InvalidInputException;
import io.segmenta.data.TextFormat;
import java.util.Locale;

/**
 * Where a transaction log keeps each field. Only the customer and the timestamp are required; the
 * features that need a missing field are left out (no invoice: a purchase occasion is a customer's
 * day; no value: no monetary features; no product: no distinct-products count).
 *
 * @param customer customer id column
 * @param timestamp purchase time column
 * @param timestampPattern {@link java.time.format.DateTimeFormatter} pattern of the timestamps; a
 *     pattern without a time of day reads dates
 * @param invoice invoice (basket) id column, or null
 * @param product product id column, or null
 * @param description product description column, or null
 * @param quantity quantity column (negative for returns), or null
 * @param unitPrice unit price column (value = quantity x unit price), or null
 * @param amount line total column, used when there is no unit price, or null
 * @param cancelPrefix invoice ids starting with it are cancellations, or null
 * @param format field separation
 */
public record TransactionLayout(String customer, String timestamp, String timestampPattern, String invoice, String product,
                                String description, String quantity, String unitPrice, String amount, String cancelPrefix,
                                TextFormat format) {

  /**
   * The UCI Online Retail log (Chen 2015), as shipped in datasets/online-retail. Its separator and decimal mark are detected
   * (AUTO), so that the same columns exported by a European spreadsheet (semicolons, decimal commas) read too.
   */
  public static final TransactionLayout ONLINE_RETAIL = new TransactionLayout("CustomerID", "InvoiceDate", "yyyy-MM-dd HH:mm:ss",
      "InvoiceNo", "StockCode", "Description", "Quantity", "UnitPrice", null, "C", TextFormat.AUTO);

  /** CDNOW_master.txt (Fader and Hardie): customer_id, date, number_of_cds, dollar_value. */
  public static final TransactionLayout CDNOW = new TransactionLayout("customer_id", "date", "yyyyMMdd", null, null, null,
      "number_of_cds", null, "dollar_value", null, TextFormat.WHITESPACE);

  /** The Kaggle Groceries dataset: Member_number, Date, itemDescription (no quantities or prices). */
  public static final TransactionLayout GROCERIES = new TransactionLayout("Member_number", "Date", "dd-MM-yyyy", null,
      "itemDescription", null, null, null, null, null, TextFormat.AUTO);

  public TransactionLayout {
    if (customer == null || customer.isBlank()) throw new InvalidInputException("transaction layout: the customer column is required");
    if (timestamp == null || timestamp.isBlank()) throw new InvalidInputException("transaction layout: the timestamp column is required");
    if (timestampPattern == null || timestampPattern.isBlank()) throw new InvalidInputException("transaction layout: a timestamp pattern is required");
    if (format == null) format = TextFormat.AUTO;
  }

  /** A preset by name: online-retail, cdnow or groceries. */
  public static TransactionLayout preset(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "online-retail", "uci-online-retail", "online_retail" -> ONLINE_RETAIL;
      case "cdnow" -> CDNOW;
      case "groceries" -> GROCERIES;
      default -> throw new InvalidInputException("--preset: unknown preset '" + name + "'; expected online-retail, cdnow or groceries");
    };
  }

  /** This layout with another separator and decimal mark (the CLI's --format). */
  public TransactionLayout withFormat(TextFormat f) {
    return new TransactionLayout(customer, timestamp, timestampPattern, invoice, product, description, quantity, unitPrice, amount, cancelPrefix, f);
  }

  /** Whether line values can be computed (quantity and unit price, or an amount). */
  public boolean hasValue() {
    return (quantity != null && unitPrice != null) || amount != null;
  }
}

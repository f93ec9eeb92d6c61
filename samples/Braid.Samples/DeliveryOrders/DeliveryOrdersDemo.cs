using Braid.Serialization;

namespace Braid.Samples.DeliveryOrders;

/// <summary>
/// Something that happened to an order, at <paramref name="At"/>. Only "created" names the customer and
/// only "rider assigned" names the rider; the others just move the order along.
/// </summary>
public sealed record OrderEvent(string Type, long At, string? CustomerId = null, string? RiderId = null)
{
    public const string Created = "created";
    public const string RiderAssigned = "rider assigned";
    public const string PickedUp = "picked up";
    public const string Delivered = "delivered";

    public string Show() => Type + (CustomerId is not null ? $" for {CustomerId}" : RiderId is not null ? $": {RiderId}" : "");
}

/// <summary>A row of the order-status table: order id, customer id, rider id, status and the time of that status.</summary>
public sealed record OrderStatus(string OrderId, string CustomerId, string? RiderId, string Status, long Time)
{
    public static readonly OrderStatus None = new("", "", null, "", 0);

    /// <summary>Folds one event into the row; fields the event does not carry keep their value.</summary>
    public OrderStatus Apply(string orderId, OrderEvent e) => new(
        orderId, e.CustomerId ?? CustomerId, e.RiderId ?? RiderId, e.Type, e.At);

    public string Show() => $"customer {CustomerId} | rider {RiderId ?? "-"} | {Status} at {DemoClock.Show(Time)}";
}

/// <summary>
/// Delivery orders: the stream of order events is folded, per order, into an order-status table that is
/// always current, and the application can look an order up while it runs.
/// </summary>
public static class DeliveryOrdersDemo
{
    public const string StatusStore = "order-status-store";

    public static readonly DemoTopic<string, OrderEvent> Events =
        new("order-events", Serdes.String, Serdes.Json<OrderEvent>(), e => e.Show());

    public static readonly DemoTopic<string, OrderStatus> Status =
        new("order-status", Serdes.String, Serdes.Json<OrderStatus>(), s => s.Show());

    public static Topology Build()
    {
        var builder = new StreamsBuilder();
        var events = builder.Stream(Events.Name, Consumed.With(Events.KeySerde, Events.ValueSerde));

        // Each order's events, folded in arrival order into its current row.
        var statuses = events
            .Filter((_, e) => e is not null)
            .GroupByKey()
            .Aggregate(() => OrderStatus.None, (orderId, e, row) => row.Apply(orderId, e),
                Materialized.As<string, OrderStatus>("order-progress"))
            .ToStream();

        // A tombstone on order-events is the user asking to forget a finished order: it deletes the row
        // here and, through the tombstone written to order-status, from the compacted topic too.
        var removals = events.Filter((_, e) => e is null).MapValues<OrderStatus>(_ => null);

        statuses.Merge(removals)
            .ToTable(Materialized.As<string, OrderStatus>(StatusStore))
            .ToStream()
            .To(Status.Name, Produced.With(Status.KeySerde, Status.ValueSerde));
        return builder.Build();
    }

    public static Demo Create()
    {
        long t(int minute) => DemoClock.At(minute);
        DemoInput Event(string order, OrderEvent e, string? note = null) => Events.Record(order, e, e.At, note);
        DemoQuery StatusOf(string order) => new($"status of {order}?", stores =>
            stores.Get<string, OrderStatus>(StatusStore, order)?.Show() ?? "no such order");

        DemoStep[] steps =
        [
            Event("o1", new OrderEvent(OrderEvent.Created, t(0), CustomerId: "c7")),
            Event("o2", new OrderEvent(OrderEvent.Created, t(1), CustomerId: "c9")),
            Event("o1", new OrderEvent(OrderEvent.RiderAssigned, t(2), RiderId: "r3")),
            Event("o1", new OrderEvent(OrderEvent.PickedUp, t(9))),
            StatusOf("o1"),
            Event("o2", new OrderEvent(OrderEvent.RiderAssigned, t(10), RiderId: "r5")),
            Event("o1", new OrderEvent(OrderEvent.Delivered, t(21))),
            StatusOf("o1"),
            Events.Record("o1", null, t(30), "the user removes the delivered order"),
            StatusOf("o1"),
            StatusOf("o2"),
        ];

        return new Demo(
            "delivery-orders",
            "Delivery orders: a table that is always current",
            """
            A food-delivery app records every step of an order as an event: created, rider assigned, picked up,
            delivered. Braid folds each order's events into one row of an order-status table (order, customer,
            rider, status, time), so the table always shows where every order is now. The application asks the
            table's store for an order while the topology runs (an interactive query). When the user removes a
            delivered order, a tombstone (a null value) deletes its row; the order-status topic can be
            compacted, because only the latest row per order matters.
            """,
            [new DemoScript("order events → order-status table", Build, steps, [Status], TableTopic: Status.Name,
                Retention: new Dictionary<string, TopicRetention> { [Status.Name] = TopicRetention.LatestPerKey })]);
    }
}

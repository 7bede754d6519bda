namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>The store providers a fixture runs against: <c>[TestFixture(StoreKind.Sqlite)]</c>, <c>[TestFixture(StoreKind.Postgres)]</c>.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

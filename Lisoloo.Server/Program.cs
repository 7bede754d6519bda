// Lisoloo.Server is built under issue #3; until then this project only reserves its place in the solution.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.Run();

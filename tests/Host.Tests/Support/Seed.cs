using System.Net;
using Workflows.Testing;

namespace Workflows.Host.Tests.Support;

/// <summary>Regions and officials of a Jilin county, created through the admin API as an operator would.</summary>
public static class Seed
{
    public const string Password = "password-123";
    public const string Village = "220102001001";
    public const string OtherVillage = "220102001002";
    public const string Township = "220102001";
    public const string OtherTownship = "220102002";
    public const string County = "220102";

    public const string Caseworker = "caseworker";
    public const string TownshipOfficer = "township";
    public const string OtherTownshipOfficer = "township2";
    public const string CountyOfficer = "county";

    /// <summary>Friday 13 February 2026, 10:00 Beijing time: the Spring Festival holiday starts on Sunday.</summary>
    public static readonly DateTimeOffset BeforeSpringFestival = new(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8));

    public static async Task<Api> RunAsync(ServiceHost host) =>
        await RunAsync(await host.LoginAsync(ServiceHost.AdminUser, ServiceHost.AdminPassword));

    /// <summary>The same, through any client logged in as the system admin (a Host in its own process).</summary>
    public static async Task<Api> RunAsync(Api admin)
    {
        foreach (var (code, name) in new[]
                 {
                     ("22", "吉林省"), ("2201", "长春市"), (County, "南关区"), (Township, "永吉街道"),
                     (Village, "东风社区"), (OtherVillage, "西岭社区"), (OtherTownship, "桃源街道"),
                 })
            await admin.PostOk("/api/admin/regions", new { code, name }, HttpStatusCode.Created);
        foreach (var (username, role, region) in new[]
                 {
                     (Caseworker, "village-caseworker", Village), (TownshipOfficer, "township-officer", Township),
                     (OtherTownshipOfficer, "township-officer", OtherTownship), (CountyOfficer, "county-officer", County),
                 })
            await admin.PostOk("/api/admin/users",
                new { username, password = Password, displayName = username, roles = new[] { role }, regionCode = region },
                HttpStatusCode.Created);
        return admin;
    }

    /// <summary>The county puts money in a township's reserve fund (临时救助备用金), which 先行救助 pays from at once.</summary>
    public static async Task AllocateReserveFundAsync(ServiceHost host, string township, decimal amount, string countyOfficer = CountyOfficer)
    {
        var county = await host.LoginAsync(countyOfficer);
        await county.PostOk($"/api/reserve-funds/{township}/allocations", new { amount, note = "拨付临时救助备用金" }, HttpStatusCode.Created);
    }

    public static object MigrantWorkerApplication(string? idNumber = null, string region = Village, decimal requestedAmount = 1000,
        string? name = "张三") => new
    {
        procedure = "migrant-worker-aid",
        regionCode = region,
        applicant = new { name, idNumber = idNumber ?? IdNumbers.Next(), phone = "13800000000", bankAccount = "6222020200112233445" },
        data = new
        {
            employer = new { name = "长春某建筑公司", address = "长春市南关区", position = "钢筋工" },
            witnesses = new[] { new { name = "李四", phone = "13900000001" }, new { name = "王五", phone = "13900000002" } },
            monthsWithoutIncome = 3,
            unemploymentInsured = false,
            requestedAmount,
        },
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Workflows.Access;
using Workflows.Benefits;
using Workflows.Cases;
using Workflows.Payments;
using Workflows.Persistence;
using Workflows.Regions;
using Workflows.Runtime;

namespace Workflows.PriceSubsidies;

/// <summary>What starting a subsidy asks: the region, the month, the rate, the categories, and the districts paying more.</summary>
public sealed record SubsidyStart(string? RegionCode, string? Period, decimal? AmountPerPerson, string[]? Categories,
    DistrictRate[]? Rates);

public sealed record DistrictRate(string? RegionCode, decimal? AmountPerPerson);

/// <summary>
/// Starts price subsidies (价格临时补贴). One transaction writes the subsidy, a share per person and a payment per case, so
/// a refused or failed start leaves nothing; the payments wait for the county's payroll run of that subsidy, never a
/// regular run. Who is covered is read from the benefits running in the month (as a payroll run reads them) and their
/// cases' households (<see cref="BenefitPersons.Of"/>).
/// </summary>
public sealed class PriceSubsidies(WorkflowDb db, TimeProvider clock)
{
    public const string Procedure = "price-subsidy";
    public static readonly string[] StarterRoles = [Roles.CountyOfficer];
    /// <summary>A month's subsidy per person is tens of yuan: above this an input is a slip of the keyboard.</summary>
    public const decimal MaxPerPerson = 10_000m;

    public static string PaymentKeyOf(string period) => $"{Procedure}:{period}";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<PriceSubsidyRecord> StartAsync(SubsidyStart start, Actor actor, CancellationToken ct = default)
    {
        var (region, period, rate, categories, rates) = Checked(start);
        if (!StarterRoles.Any(actor.Has))
            throw new ForbiddenProblem($"需要以下角色之一：{string.Join(", ", StarterRoles)} (requires one of these roles).");
        if (!actor.Covers(region))
            throw new ForbiddenProblem($"regionCode {region} 不在您的辖区 {actor.RegionCode} 内 (outside your jurisdiction).");
        if (!await db.Regions.AnyAsync(r => r.Code == region, ct))
            throw new InvalidInput("regionCode", $"未知的区划代码 {region} (unknown region)");
        // A city's and its district's subsidy of one month, started at the same instant, would each miss the other: one
        // waits for the other's commit, per province and month.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            var key = $"price-subsidy {RegionCode.ProvinceOf(region)} {period}";
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({key}))", ct);
        }
        var overlapping = await db.PriceSubsidies.AsNoTracking()
            .Where(s => s.Period == period && (s.RegionCode.StartsWith(region) || region.StartsWith(s.RegionCode)))
            .FirstOrDefaultAsync(ct);
        if (overlapping is not null)
            throw new ConflictProblem($"{overlapping.RegionCode} 已发放 {period} 的价格临时补贴 {overlapping.Id} (that month is already subsidised there)");

        var subsidy = new PriceSubsidyRecord
        {
            Id = Guid.CreateVersion7(), RegionCode = region, Period = period, AmountPerPersonFen = Money.ToFen(rate),
            Categories = string.Join(',', categories),
            RatesJson = JsonSerializer.Serialize(rates.Select(r => new { regionCode = r.Key, amountPerPerson = r.Value }), JsonSerializerOptions.Web),
            CreatedBy = actor.Username, CreatedAt = Now,
        };
        db.PriceSubsidies.Add(subsidy);
        await CoverAsync(subsidy, categories, rate, rates, ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            throw new ConflictProblem($"{period} 的价格临时补贴已由他人同时发起，或其中有人已领取当月补贴，请刷新后重试 " +
                                      "(the month was subsidised concurrently; nothing was written)", concurrent: true);
        }
        return subsidy;
    }

    /// <summary>A share per person not yet subsidised this month and a payment per case with any; the rate is the county's
    /// where the city set one for it.</summary>
    private async Task CoverAsync(PriceSubsidyRecord subsidy, string[] categories, decimal cityRate,
        IReadOnlyDictionary<string, decimal> rates, CancellationToken ct)
    {
        var cipher = db.Cipher ?? throw new InvalidOperationException("Subsidies need a context that seals personal data.");
        var procedures = categories.Select(SubsidyCategories.ProcedureOf).Distinct().ToList();
        var period = subsidy.Period;
        var already = (await db.PriceSubsidyShares.AsNoTracking().Where(s => s.Period == period).Select(s => s.Person).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var covered = db.Benefits.AsNoTracking()
            .Where(b => procedures.Contains(b.Procedure) && b.RegionCode.StartsWith(subsidy.RegionCode)
                        && (b.Status != BenefitStatus.Suspended || (b.SuspendedFromPeriod != null && string.Compare(b.SuspendedFromPeriod, period) > 0))
                        && string.Compare(b.FromPeriod, period) <= 0 && (b.UntilPeriod == null || string.Compare(b.UntilPeriod, period) >= 0))
            .Join(db.Cases.AsNoTracking(), b => b.CaseId, c => c.Id, (b, c) => c)
            .OrderBy(c => c.Id);
        await foreach (var record in covered.AsAsyncEnumerable().WithCancellation(ct))
        {
            var root = JsonNode.Parse(record.DataJson)!.AsObject();
            if (!categories.Contains(CategoryOf(record.Procedure, root))) continue;
            var persons = BenefitPersons.Of(record, root).Select(p => (p.Name, Key: cipher.Lookup(p.IdNumber)))
                .Where(p => already.Add(p.Key)).ToList();
            if (persons.Count == 0) continue;
            var county = RegionCode.AtLevel(record.RegionCode, RegionLevel.County);
            var perPerson = rates.TryGetValue(county, out var districtRate) ? districtRate : cityRate;
            var amount = perPerson * persons.Count;
            foreach (var person in persons)
                db.PriceSubsidyShares.Add(new PriceSubsidyShareRecord
                {
                    SubsidyId = subsidy.Id, Period = period, Person = person.Key, CaseId = record.Id, AmountFen = Money.ToFen(perPerson),
                });
            db.Payments.Add(new PaymentRecord
            {
                Id = Guid.CreateVersion7(), CaseId = record.Id, RegionCode = record.RegionCode, Procedure = Procedure, Period = period,
                Instalment = 1, PaymentKey = PaymentKeyOf(period), AmountFen = Money.ToFen(amount), CreatedAt = Now,
                PayeeName = record.ApplicantName, PayeeIdNumber = record.ApplicantIdNumber, BankAccount = record.ApplicantBankAccount,
                PriceSubsidyId = subsidy.Id,
                BasisJson = new JsonObject
                {
                    ["expression"] = "amountPerPerson × persons",
                    ["priceSubsidyId"] = subsidy.Id, ["regionCode"] = subsidy.RegionCode,
                    ["amountPerPerson"] = perPerson, ["persons"] = persons.Count,
                    ["names"] = new JsonArray([.. persons.Select(p => (JsonNode)p.Name)]),
                    ["category"] = CategoryOf(record.Procedure, root), ["amount"] = amount,
                }.ToJsonString(),
            });
            subsidy.Cases++;
            subsidy.Persons += persons.Count;
            subsidy.TotalFen += Money.ToFen(amount);
        }
    }

    private static string CategoryOf(string procedure, JsonObject root) => procedure switch
    {
        "orphan-support" => root["data"]?["childType"]?.GetValue<string>() == "orphan"
            ? SubsidyCategories.Orphan : SubsidyCategories.UnsupportedChild,
        _ => procedure,
    };

    private (string Region, string Period, decimal Rate, string[] Categories, Dictionary<string, decimal> Rates) Checked(SubsidyStart start)
    {
        var errors = new FieldErrors();
        var region = start.RegionCode ?? "";
        var level = RegionCode.IsWellFormed(region) && region.Length > 0 ? RegionCode.LevelOf(region) : (RegionLevel?)null;
        if (level is not (RegionLevel.City or RegionLevel.County))
            errors.Add("regionCode", "价格临时补贴由市（4 位）或县（6 位）发起 (a city's 4-digit or a county's 6-digit code)");
        if (!Period.IsWellFormed(start.Period)) errors.Add("period", "应为 YYYY-MM (a month, YYYY-MM)");
        else if (string.CompareOrdinal(start.Period, Period.After(Period.Of(Now), 1)) > 0)
            errors.Add("period", $"最晚为下月 {Period.After(Period.Of(Now), 1)} (at most next month)");
        var rate = start.AmountPerPerson ?? 0;
        if (start.AmountPerPerson is null) errors.Add("amountPerPerson", "必填 (required)");
        else if (!Money.IsAmount(rate) || rate > MaxPerPerson)
            errors.Add("amountPerPerson", $"应为大于 0、不超过 {MaxPerPerson} 元、至多两位小数的金额 (above 0, at most {MaxPerPerson}, 2 decimals)");
        var categories = start.Categories ?? [];
        if (categories.Length == 0) errors.Add("categories", $"至少一类：{string.Join(", ", SubsidyCategories.All)} (at least one category)");
        foreach (var (category, i) in categories.Select((c, i) => (c, i)))
            if (!SubsidyCategories.All.Contains(category))
                errors.Add($"categories[{i}]", $"未知类别 '{category}'，可选：{string.Join(", ", SubsidyCategories.All)} (unknown category)");
        if (categories.Distinct().Count() != categories.Length) errors.Add("categories", "类别重复 (a category is listed twice)");
        var rates = new Dictionary<string, decimal>();
        foreach (var (districtRate, i) in (start.Rates ?? []).Select((r, i) => (r, i)))
        {
            var code = districtRate.RegionCode ?? "";
            if (level != RegionLevel.City)
                errors.Add($"rates[{i}]", "只有市级补贴可为所辖区县另定标准 (only a city's subsidy sets rates for its districts)");
            else if (!RegionCode.IsWellFormed(code) || code.Length != 6 || !code.StartsWith(region, StringComparison.Ordinal))
                errors.Add($"rates[{i}].regionCode", $"应为 {region} 所辖区县的 6 位代码 (a county of the city)");
            else if (!rates.TryAdd(code, districtRate.AmountPerPerson ?? 0))
                errors.Add($"rates[{i}].regionCode", "区县重复 (a county is listed twice)");
            if (districtRate.AmountPerPerson is not { } amount || !Money.IsAmount(amount) || amount > MaxPerPerson)
                errors.Add($"rates[{i}].amountPerPerson", $"应为大于 0、不超过 {MaxPerPerson} 元的金额 (above 0, at most {MaxPerPerson})");
            else if (amount < rate)
                errors.Add($"rates[{i}].amountPerPerson", $"区县可高于、不可低于市级标准 {rate} 元 (a district may pay more than the city, not less)");
        }
        errors.ThrowIfAny();
        return (region, start.Period!, rate, categories, rates);
    }
}

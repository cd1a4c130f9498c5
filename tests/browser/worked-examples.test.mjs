// The worked examples of ../shared/policy/*.md, entered through the
// applicant view's generated form in a real browser, show the outcomes the
// policy text computes (status, tier, amount).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { enterCase, expectBenefit, fresh, setFact, setup, shot, tierOf } from './helpers.mjs';

const m = (id, relation, birth_date, more = {}) => ({ id, relation, birth_date, hukou: 'shanghai', co_resident: true, ...more });

// Social assistance, as of 2022-03-01: S = 1330, S_minor = 1730, k × S = 2660, P = 78027.
const WIDOWER = {
  as_of: '2022-03-01',
  household: {
    members: [m('self', 'self', '1947-08-15', { monthly_income: '1000', able_to_work: false, has_capable_supporter: false })],
    assets_within_dibao_limit: true,
  },
};

let t;
before(async () => {
  t = await setup();
});
after(async () => {
  await t?.close();
});

describe('social assistance (social-assistance.md, worked examples)', () => {
  test('1. widower living alone: tier tekun, amount unknown; dibao ineligible', async () => {
    await fresh(t);
    await enterCase(t.page, WIDOWER);
    await expectBenefit(t.page, 'social_assistance.tekun', { status: 'eligible', amount: 'amount not known' });
    await expectBenefit(t.page, 'social_assistance.dibao', { status: 'ineligible' });
    const tier = await tierOf(t.page, 'social_assistance');
    assert.equal(tier.tier, 'tekun');
    assert.match(tier.text, /extreme poverty/i);
    await t.page.screenshot({ path: shot('example-sa1-widower'), fullPage: true });
  });

  test('2. single mother and daughter: dibao 2 × 1330 − 800 + (1730 − 1330) = 2260.00 a month', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2022-03-01',
      household: {
        members: [m('self', 'self', '1983-05-20', { able_to_work: true, monthly_income: '800' }),
          m('d', 'child', '2012-09-01', { monthly_income: '0' })],
        assets_within_dibao_limit: true,
        assets_within_low_income_limit: true,
      },
    });
    await expectBenefit(t.page, 'social_assistance.dibao', { status: 'eligible', amount: 'CNY 2260.00 per month' });
    assert.equal((await tierOf(t.page, 'social_assistance')).tier, 'dibao');
  });

  test('3. mixed hukou: the wife counts (spouse), ȳ = 1200, dibao 790.00', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2022-03-01',
      household: {
        members: [m('self', 'self', '1976-06-01', { monthly_income: '3600', able_to_work: true }),
          m('wife', 'spouse', '1978-09-10', { hukou: 'other', monthly_income: '0' }),
          m('son', 'child', '2009-11-02', { monthly_income: '0' })],
        assets_within_dibao_limit: true,
        assets_within_low_income_limit: true,
      },
    });
    await expectBenefit(t.page, 'social_assistance.dibao', { status: 'eligible', amount: '790.00' });
    await t.page.screenshot({ path: shot('example-sa3-mixed-hukou'), fullPage: true });
  });

  test('4. couple near 60: ȳ = 1600, low_income with 0.00 cash; rigid_expense ineligible', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2022-03-01',
      household: {
        members: [m('self', 'self', '1959-10-01', { monthly_income: '2000' }), m('s', 'spouse', '1962-12-01', { monthly_income: '1200' })],
        assets_within_low_income_limit: true,
        medical_expenses_12m: '0',
        education_expenses_12m: '0',
      },
    });
    await expectBenefit(t.page, 'social_assistance.low_income', { status: 'eligible', amount: '0.00' });
    await expectBenefit(t.page, 'social_assistance.rigid_expense', { status: 'ineligible' });
    assert.equal((await tierOf(t.page, 'social_assistance')).tier, 'low_income');
  });

  test('5. cancer in the family: rigid_expense 3 × (1330 − 833.33…) = 1490.00, an estimate', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2022-03-01',
      household: {
        members: [m('self', 'self', '1971-05-01', { monthly_income: '0', able_to_work: false, disability: 'none' }),
          m('w', 'spouse', '1973-08-01', { monthly_income: '9000' }),
          m('s', 'child', '2001-10-01', { monthly_income: '0' })],
        assets_within_low_income_limit: true,
        medical_expenses_12m: '72000',
        education_expenses_12m: '6000',
      },
    });
    await expectBenefit(t.page, 'social_assistance.rigid_expense', { status: 'eligible', amount: '1490.00' });
    const card = t.page.locator('#results-body [data-benefit="social_assistance.rigid_expense"]');
    assert.equal(await card.locator('.estimate-mark').count(), 1, 'the estimate mark is shown');
    assert.match(await card.locator('.estimate-note').textContent(), /unverified/);
    assert.equal((await tierOf(t.page, 'social_assistance')).tier, 'rigid_expense');
  });
});

describe('elder retrofit (elder-retrofit.md, worked examples)', () => {
  test('1. the widower (tier tekun), quote 2600: eligible, 2600.00', async () => {
    await fresh(t);
    await enterCase(t.page, { ...WIDOWER, retrofit: { lives_at_home: true, received_before: false, quote: '2600' } });
    await expectBenefit(t.page, 'elder_retrofit.home_retrofit', { status: 'eligible', amount: '2600.00' });
  });

  test('2. care-dependent couple, quote 5200: eligible by care grade, 3000.00 (cap)', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2022-03-01',
      household: {
        members: [m('self', 'self', '1940-02-01', { monthly_income: '4500', care_grade: 4, has_living_children: true }),
          m('h', 'spouse', '1937-11-20', { monthly_income: '4500', care_grade: 0, has_living_children: true })],
        assets_within_dibao_limit: true,
        assets_within_low_income_limit: true,
        medical_expenses_12m: '0',
      },
      retrofit: { lives_at_home: true, received_before: false, quote: '5200' },
    });
    await expectBenefit(t.page, 'elder_retrofit.home_retrofit', { status: 'eligible', amount: '3000.00' });
  });

  test('3. man of 66 with children, care grade 0, income 8000: ineligible', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2022-03-01',
      household: { members: [m('self', 'self', '1955-06-01', { monthly_income: '8000', care_grade: 0, has_living_children: true })] },
      retrofit: { lives_at_home: true, received_before: false, quote: '3000' },
    });
    await expectBenefit(t.page, 'elder_retrofit.home_retrofit', { status: 'ineligible' });
  });

  test('4. trade-in of 4000: 600.00 on 2024-10-08, 1200.00 on 2024-11-20, not in effect on 2025-01-10', async () => {
    await fresh(t);
    await enterCase(t.page, { as_of: '2025-03-01', retrofit: { trade_in_purchase_date: '2024-10-08', trade_in_purchase: '4000' } });
    await expectBenefit(t.page, 'elder_retrofit.trade_in_discount', { status: 'eligible', amount: '600.00' });
    await setFact(t.page, 'retrofit.trade_in_purchase_date', '2024-11-20');
    await expectBenefit(t.page, 'elder_retrofit.trade_in_discount', { status: 'eligible', amount: '1200.00' });
    await setFact(t.page, 'retrofit.trade_in_purchase_date', '2025-01-10');
    await expectBenefit(t.page, 'elder_retrofit.trade_in_discount', { status: 'not_in_effect' });
  });
});

describe('entrepreneurship (entrepreneurship.md, worked examples)', () => {
  const founder = (born = '1990-01-01') => ({ members: [m('self', 'self', born)] });

  test('1. graduate\'s first company: 8000.00 as of 2025-03-01; ineligible as of 2025-07-03', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2025-03-01',
      household: founder('1999-04-10'),
      business: {
        stage: 'registered', org_type: 'small_micro_enterprise', registration_date: '2024-01-02',
        founder_is_legal_rep: true, first_business: true, founder_university_graduate: true,
        founder_graduation_date: '2023-06-30', months_with_social_insurance: 8, first_start_subsidy_received: false,
      },
    });
    await expectBenefit(t.page, 'entrepreneurship.first_start_subsidy', { status: 'eligible', amount: '8000.00' });
    await t.page.getByLabel('As-of date', { exact: true }).fill('2025-07-03');
    await expectBenefit(t.page, 'entrepreneurship.first_start_subsidy', { status: 'ineligible' });
  });

  test('2. social-insurance subsidy: 3 employees 2850.90 a month; 12 employees capped at 8: 7602.40', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2024-03-01',
      household: founder(),
      business: { stage: 'registered', org_type: 'small_micro_enterprise', registration_date: '2023-07-03', insured_employees: 3 },
    });
    await expectBenefit(t.page, 'entrepreneurship.social_insurance_subsidy', { status: 'eligible', amount: '2850.90 per month' });
    await setFact(t.page, 'business.insured_employees', 12);
    await expectBenefit(t.page, 'entrepreneurship.social_insurance_subsidy', { status: 'eligible', amount: '7602.40' });
  });

  test('3. rent, 2018 regime: rent 60000 → 12000.00 a year; rent 9600 → 9600.00', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2020-12-31',
      household: founder(),
      business: { stage: 'registered', org_type: 'small_micro_enterprise', registration_date: '2019-05-01', lease_months: 12, local_workers: 4, annual_rent: '60000' },
    });
    await expectBenefit(t.page, 'entrepreneurship.rent_subsidy', { status: 'eligible', amount: '12000.00 per year' });
    await setFact(t.page, 'business.annual_rent', '9600');
    await expectBenefit(t.page, 'entrepreneurship.rent_subsidy', { status: 'eligible', amount: '9600.00' });
  });

  test('4. incubation: fees 8100 at 1800 a month → 8100.00', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2024-10-01',
      household: founder(),
      business: {
        stage: 'registered', org_type: 'small_micro_enterprise', registration_date: '2024-06-16', founder_is_legal_rep: true,
        incubation_municipal_base: true, incubation_fees_paid: '8100', incubation_monthly_fee: '1800',
      },
    });
    await expectBenefit(t.page, 'entrepreneurship.incubation_fee_subsidy', { status: 'eligible', amount: '8100.00' });
  });

  test('5. loans as of 2025-01-15: individual 500000.00; organisation 4000000.00; pre-start at 36 ineligible', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2025-01-15',
      household: founder(),
      business: { stage: 'registered', org_type: 'small_micro_enterprise', loan: { kind: 'individual', requested: '600000', good_credit: true, meets_hiring_test: true } },
    });
    await expectBenefit(t.page, 'entrepreneurship.guaranteed_loan', { status: 'eligible', amount: '500000.00' });
    await setFact(t.page, 'business.loan.kind', 'organisation');
    await setFact(t.page, 'business.loan.priority_industry', false);
    await setFact(t.page, 'business.loan.requested', '4500000');
    await expectBenefit(t.page, 'entrepreneurship.guaranteed_loan', { status: 'eligible', amount: '4000000.00' });

    await fresh(t);
    await enterCase(t.page, {
      as_of: '2025-01-15',
      household: founder('1988-06-01'),
      business: { stage: 'planning', founder_university_graduate: true, loan: { kind: 'pre_start', good_credit: true } },
    });
    await expectBenefit(t.page, 'entrepreneurship.guaranteed_loan', { status: 'ineligible' });
  });

  test('6. interest subsidy: interest 18000 → 9000.00', async () => {
    await fresh(t);
    await enterCase(t.page, {
      as_of: '2025-03-01',
      household: founder(),
      business: {
        stage: 'registered', org_type: 'small_micro_enterprise',
        loan: { kind: 'individual', signed_date: '2024-11-01', interest_paid: '18000', repaid_on_time: true, interest_subsidies_received: 0 },
      },
    });
    await expectBenefit(t.page, 'entrepreneurship.loan_interest_subsidy', { status: 'eligible', amount: '9000.00' });
    await t.page.screenshot({ path: shot('example-en6-interest'), fullPage: true });
  });
});

// A company's own connector: customers exported from an in-house ERP as
// CSV ("kundnr;namn;epost;mobil;personnr"). Point a source at this file
// with `connector: ./my-erp-connector.mjs`. The function gets ojco-dsar's
// connector kit (zod and the streaming readers), so it needs no packages.
export default function myErp(kit) {
  const { z, readTable, ColumnMap, fieldsOf, detectedFiles, readEachFile, headText } = kit;
  const connector = {
    id: 'my-erp',
    title: 'In-house ERP',
    formats: [{ id: 'customers-csv', title: 'Customer list', description: 'kundnr;namn;epost;mobil;personnr', extensions: ['csv'] }],
    optionsSchema: z.object({}).strict(),
    describe: () => ({
      entities: [
        {
          entity: 'customer',
          title: 'ERP customer',
          category: 'customer',
          fields: [
            { name: 'kundnr', category: 'customer-account', personal: true, identifier: 'customerNo' },
            { name: 'namn', category: 'identity', personal: true, identifier: 'name' },
            { name: 'epost', category: 'contact', personal: true, identifier: 'email' },
            { name: 'mobil', category: 'contact', personal: true, identifier: 'phone' },
            { name: 'personnr', category: 'identity', personal: true, identifier: 'pnr' },
          ],
        },
      ],
    }),
    detect: (sample) => (/^kundnr;namn;epost/iu.test(headText(sample.head)) ? { format: 'customers-csv', confidence: 0.9 } : undefined),
    check: async () => [],
    async *read(input, ctx) {
      yield* readEachFile(detectedFiles(connector, input, ctx), ctx, async function* ({ file }) {
        for await (const row of readTable(file)) {
          const c = new ColumnMap(row.header);
          const id = (kind, field) => ({ kind, field, value: c.get(row.values, field) });
          yield {
            entity: 'customer',
            category: 'customer',
            locator: row.locator,
            fields: fieldsOf(row.header, row.values),
            identifiers: [id('customerNo', 'kundnr'), id('name', 'namn'), id('email', 'epost'), id('phone', 'mobil'), id('pnr', 'personnr')].filter((i) => i.value),
            label: `ERP customer ${c.get(row.values, 'kundnr')}`,
          };
        }
      });
    },
  };
  return connector;
}

/**
 * The content providers honey data goes into: contacts (raw_contacts + data rows, as the
 * ContactsContract provider stores them) and SMS (Telephony.Sms). Rows are plain column maps so
 * `content query` can print them the way Android does.
 */
export type Row = Record<string, string | number | null>;

export const NAME_MIME = 'vnd.android.cursor.item/name';
export const PHONE_MIME = 'vnd.android.cursor.item/phone_v2';
export const EMAIL_MIME = 'vnd.android.cursor.item/email_v2';

export class ContentTables {
  readonly rawContacts: Row[] = [];
  readonly data: Row[] = [];
  readonly sms: Row[] = [];
  private nextId = { raw: 1, data: 1, sms: 1 };

  insertRawContact(values: Row): number {
    const id = this.nextId.raw++;
    this.rawContacts.push({ _id: id, account_type: null, account_name: null, deleted: 0, ...values });
    return id;
  }

  insertData(values: Row): number {
    const id = this.nextId.data++;
    this.data.push({ _id: id, raw_contact_id: null, mimetype: null, data1: null, ...values });
    return id;
  }

  insertSms(values: Row, box: 'inbox' | 'sent' | null): number {
    const id = this.nextId.sms++;
    const type = box === 'sent' ? 2 : box === 'inbox' ? 1 : Number(values.type ?? 1);
    this.sms.push({
      _id: id,
      thread_id: 1,
      address: null,
      body: null,
      date: Date.now(),
      read: 0,
      ...values,
      type,
    });
    return id;
  }

  /** One contact per raw contact that has a name or a phone. */
  contacts(): { name: string; phone: string }[] {
    return this.rawContacts
      .map((r) => {
        const rows = this.data.filter((d) => String(d.raw_contact_id) === String(r._id));
        const name = rows.find((d) => d.mimetype === NAME_MIME)?.data1;
        const phone = rows.find((d) => d.mimetype === PHONE_MIME)?.data1;
        return { name: name == null ? '' : String(name), phone: phone == null ? '' : String(phone) };
      })
      .filter((c) => c.name || c.phone);
  }

  smsBodies(): string[] {
    return this.sms.map((s) => String(s.body ?? '')).filter(Boolean);
  }
}

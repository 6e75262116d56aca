import { defineExecutor } from './define.ts';

export const inputText = defineExecutor({
  name: 'inputText',
  async run(j, o) {
    await j.driver.typeText(o.text);
  },
});
